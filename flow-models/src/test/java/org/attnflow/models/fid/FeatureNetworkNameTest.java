package org.attnflow.models.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Only a declared pytorch-fid Inception makes an FID; every other network gives FD_ and its name. */
class FeatureNetworkNameTest {

  @Test
  void onlyTheDeclaredPytorchFidInceptionScoresAnFid() {
    assertEquals("FID", FeatureNetwork.metric("inception-v3-pytorch-fid", true));
    // a file merely named like it has not declared anything
    assertEquals("FD_inception-v3-pytorch-fid", FeatureNetwork.metric("inception-v3-pytorch-fid", false));
    assertEquals("FD_fmnist-cnn", FeatureNetwork.metric("fmnist-cnn", true));
    assertEquals("FD_inception", FeatureNetwork.metric("inception", true));
  }
}
