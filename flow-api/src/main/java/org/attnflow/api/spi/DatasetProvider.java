package org.attnflow.api.spi;

import org.attnflow.api.data.DatasetSplits;

/** The service interface of datasets (readers of an image file format). */
public interface DatasetProvider extends Plugin<DatasetSplits> {}
