/**
 * Seeded studies: the study file, which runs are finished, their results, and the statistics
 * (means, standard deviations, paired differences with Student's t intervals) of {@code study.csv}
 * and {@code study.md}.
 */
package org.attnflow.models.study;
