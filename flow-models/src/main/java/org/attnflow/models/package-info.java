/**
 * A flow and what is computed with it: the model (its layers and prior, encoding and decoding),
 * its assembly from configuration through the registry with a memory estimate, evaluation in
 * bits/dim, sampling, and paths between the latents of two encodings.
 */
package org.attnflow.models;
