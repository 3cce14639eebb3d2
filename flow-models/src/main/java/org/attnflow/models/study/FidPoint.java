package org.attnflow.models.study;

/**
 * One Fréchet distance a study computes per run: the sampling temperature, and whether the samples
 * were denoised first ({@code attnflow fid --denoise}).
 *
 * @param temperature the sampling temperature
 * @param denoised whether TarFlow's denoising step was applied to the samples
 */
public record FidPoint(double temperature, boolean denoised) {

  /** How the report's columns name it: {@code T = 0.7}, or {@code T = 1.0, denoised}. */
  public String label() {
    return "T = " + temperature + (denoised ? ", denoised" : "");
  }

  /** What follows the metric's name in study.csv's column: {@code _t0.7}, or {@code _t1.0_denoised}. */
  public String csvSuffix() {
    return "_t" + temperature + (denoised ? "_denoised" : "");
  }

  /** The file in the run directory that keeps its score: {@code fid-t0.7.json}, or {@code fid-t1.0-denoised.json}. */
  public String fileName() {
    return "fid-t" + temperature + (denoised ? "-denoised" : "") + ".json";
  }
}
