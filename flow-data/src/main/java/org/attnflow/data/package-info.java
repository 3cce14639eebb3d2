/**
 * The data pipeline of a run: opening its dataset through the dataset plugins, padding once in
 * memory, augmenting and dequantising batches on a background thread, and the real images that
 * feature statistics are computed from.
 */
package org.attnflow.data;
