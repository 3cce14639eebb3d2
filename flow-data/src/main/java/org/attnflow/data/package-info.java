/**
 * The data pipeline of a run: opening its dataset through the dataset plugins, padding once in
 * memory, augmenting and dequantising batches on a background thread, the real images that
 * feature statistics are computed from, what their pixels hold ({@code attnflow data}), and the
 * errors of unreadable dataset files.
 */
package org.attnflow.data;
