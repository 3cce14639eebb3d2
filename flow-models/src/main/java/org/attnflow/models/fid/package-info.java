/**
 * The Fréchet distance between Gaussians fitted to features of generated and real images, with
 * feature networks loaded from TorchScript or made by the project, and streaming feature moments.
 */
package org.attnflow.models.fid;
