package org.attnflow.api.data;

/**
 * The training and test parts of a dataset, as a dataset plugin opens them.
 *
 * @param train images for training
 * @param test held-out images for evaluation
 */
public record DatasetSplits(ImageDataset train, ImageDataset test) {}
