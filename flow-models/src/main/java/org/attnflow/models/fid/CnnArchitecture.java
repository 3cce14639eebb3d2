package org.attnflow.models.fid;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.attnflow.api.ImageShape;

/**
 * The shape of this project's feature classifier: for each width w a 3×3 convolution to w
 * channels (padding 1; {@link FlowMathConv2d}), ReLU and 2×2 max pooling; then a dense layer to
 * {@code features} values, the feature vector; then ReLU and a dense layer to one logit per class.
 * The features are taken before the ReLU, so no feature is stuck at zero and their covariance
 * keeps full rank.
 *
 * @param input the image shape it takes, (C, H, W)
 * @param widths the channels of each convolution
 * @param features the number of features
 * @param classes the number of classes
 */
public record CnnArchitecture(ImageShape input, List<Integer> widths, int features, int classes) {
  /** The name of this architecture in a saved classifier's manifest. */
  public static final String NAME = "conv3x3-relu-maxpool2-dense";

  /** Copies the widths. */
  public CnnArchitecture {
    widths = List.copyOf(widths);
  }

  /** The layers from the images (N, C, H, W) in [0, 1] to the features (N, features). */
  SequentialBlock featureBlock() {
    SequentialBlock block = new SequentialBlock();
    for (int width : widths) {
      block.add(new FlowMathConv2d(width))
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
    return block.add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(features).build());
  }

  /** The layers from the features to the logits (N, classes). */
  SequentialBlock head() {
    return new SequentialBlock().add(Activation.reluBlock()).add(Linear.builder().setUnits(classes).build());
  }
}
