package org.attnflow.cli.common;

import java.util.OptionalDouble;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.attnflow.data.DataPipelines;
import org.attnflow.models.Denoiser;
import org.attnflow.models.FlowModel;
import org.attnflow.models.SampleFinish;
import org.attnflow.models.run.RunDirectory;

/**
 * {@code --denoise} of the commands that draw samples ({@code sample}, {@code fid}): one
 * score-based step ({@link Denoiser}) on every sample of a run trained with Gaussian noise, whose
 * σ it takes; any other run is refused with a usage error.
 */
public final class DenoiseOption {
  private DenoiseOption() {}

  /** The option. */
  public static Option option() {
    return Option.builder().longOpt("denoise")
        .desc("one score-based denoising step y + σ²·∇ log p(y) on every sample (runs trained with data.noise { type = gaussian })")
        .build();
  }

  /** The step the command line asks for: the run's denoiser with --denoise, else none. */
  public static SampleFinish finish(CommandLine line, FlowModel model, Session session, RunDirectory dir) {
    if (!line.hasOption("denoise")) {
      return SampleFinish.NONE;
    }
    OptionalDouble sigma = DataPipelines.gaussianSigma(session.run().data());
    if (sigma.isEmpty()) {
      throw new UsageException("--denoise needs a run trained with Gaussian noise (data.noise { type = gaussian, sigma = … }); "
          + dir.root() + " was trained with uniform dequantisation");
    }
    return new Denoiser(model, sigma.getAsDouble());
  }
}
