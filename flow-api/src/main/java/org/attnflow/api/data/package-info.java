/**
 * What the data side hands to training and evaluation: image datasets and their splits, batches,
 * and the pipeline that prepares them off the training thread.
 */
package org.attnflow.api.data;
