package org.attnflow.models.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.FlowException;
import org.junit.jupiter.api.Test;

/** Reading the JSON object of {@code attnflow fid --json}, as documented on the fid branch. */
class FidScoreTest {
  private static final String JSON = "{\"metric\": \"FD_fmnist-cnn\", \"score\": 12.5, \"n\": 1000, \"network\": \"fmnist-cnn\","
      + " \"network_file\": \"/nets/fmnist-cnn.pt\", \"network_sha256\": \"ab12\", \"temperature\": 0.7, \"seed\": 2,"
      + " \"checkpoint\": \"runs/s/glow/seed-2/checkpoint-latest.ckpt\", \"reference\": \"test\","
      + " \"reference_statistics\": \"/data/x.npz\", \"denoised\": false, \"warnings\": null}";

  @Test
  void readsTheScoreAndWhatItWasComputedWith() {
    FidScore s = FidScore.parse(JSON, Path.of("fid.json"));
    assertEquals(new FidScore("FD_fmnist-cnn", 12.5, 1000, 0.7, "/nets/fmnist-cnn.pt", "test", false), s);
    FidSettings both = new FidSettings(Path.of("/nets/fmnist-cnn.pt"), 1000, List.of(0.7, 1.0), "test", true);
    assertTrue(s.matches(both, new FidPoint(0.7, false)));
    assertFalse(s.matches(both, new FidPoint(0.7, true)), "a plain score is not the denoised one");
    assertFalse(s.matches(both, new FidPoint(1.0, false)));
    assertFalse(s.matches(new FidSettings(Path.of("/nets/fmnist-cnn.pt"), 2000, List.of(0.7), "test", false), new FidPoint(0.7, false)));
    assertFalse(s.matches(new FidSettings(Path.of("/nets/other.pt"), 1000, List.of(0.7), "test", false), new FidPoint(0.7, false)));
    FidScore denoised = FidScore.parse(JSON.replace("\"denoised\": false", "\"denoised\": true"), Path.of("fid.json"));
    assertTrue(denoised.denoised());
    assertTrue(denoised.matches(both, new FidPoint(0.7, true)));
  }

  @Test
  void somethingElseIsAnErrorNamingTheFile() {
    FlowException e = assertThrows(FlowException.class, () -> FidScore.parse("{\"score\": 1}", Path.of("x/fid.json")));
    assertTrue(e.getMessage().startsWith("x/fid.json: not the JSON of attnflow fid"), e.getMessage());
  }
}
