/**
 * File formats shared by several modules: NumPy {@code .npz} archives, as pytorch-fid stores
 * feature statistics.
 */
package org.attnflow.api.io;
