package org.attnflow.models.run;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.zip.CRC32;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;

/**
 * A training checkpoint: the step, the best test bits/dim so far, the resolved configuration, the
 * model's parameters (with ActNorm's initialisation state), the optimiser's moments and, with
 * {@code train.ema-decay}, the moving average of the trainable parameters (format version 2;
 * version 1 files, which have no average, are still read). The data
 * order, augmentation and noise are pure functions of the seed and the step, so the step is the
 * whole random state. Written atomically with a CRC-32, so a torn or corrupt file is detected.
 *
 * @param step the number of completed training steps
 * @param bestBpd the best test bits/dim seen so far (NaN when none)
 * @param config the resolved configuration, as HOCON/JSON text
 */
public record Checkpoint(long step, double bestBpd, String config) {
  private static final int MAGIC = 0x41464c57; // "AFLW"
  private static final int VERSION = 2;
  /** The first version, which ends after the optimiser's state. */
  private static final int WITHOUT_AVERAGE = 1;

  /**
   * A moving average of the trainable parameters, in the order of {@link FlowModel#trainableParameters()}.
   *
   * @param decay its decay per step ({@code train.ema-decay})
   * @param weights one array per trainable parameter
   */
  public record Average(double decay, NDList weights) {}

  /** Atomically writes this checkpoint with the model's parameters and the optimiser's state, without an average. */
  public void write(Path file, FlowModel model, NDList optimizerState) {
    write(file, model, optimizerState, Optional.empty());
  }

  /** Atomically writes this checkpoint with the model's parameters, the optimiser's state and {@code average} when present. */
  public void write(Path file, FlowModel model, NDList optimizerState, Optional<Average> average) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(body);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(step);
      out.writeDouble(bestBpd);
      writeBytes(out, config.getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream params = new ByteArrayOutputStream();
      model.saveParameters(new DataOutputStream(params));
      writeBytes(out, params.toByteArray());
      writeBytes(out, optimizerState.encode());
      out.writeDouble(average.map(Average::decay).orElse(Double.NaN));
      writeBytes(out, average.map(a -> a.weights().encode()).orElse(new byte[0]));
      out.flush();
      byte[] bytes = body.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(bytes);
      AtomicFiles.write(file, o -> {
        o.write(bytes, 0, bytes.length / 2);
        o.flush();
        KillPoint.arrive("checkpoint");
        o.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        new DataOutputStream(o).writeLong(crc.getValue());
      });
    } catch (IOException e) {
      throw new FlowException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  /** Names the weights of a model, for output: {@code "ema 0.999"} for a moving average of that decay, else {@code "raw"}. */
  public static String weights(OptionalDouble averageDecay) {
    return averageDecay.isPresent() ? "ema " + averageDecay.getAsDouble() : "raw";
  }

  /** Reads the header of a checkpoint (step, best, config) and checks its integrity. */
  public static Checkpoint readHeader(Path file) {
    return read(file).header();
  }

  /** Reads {@code file} once and checks its integrity; what is done with it reads no more of the disk. */
  public static Contents read(Path file) {
    try (DataInputStream in = open(file)) {
      int version = in.readInt();
      Checkpoint header = new Checkpoint(in.readLong(), in.readDouble(), new String(readBytes(in, file), StandardCharsets.UTF_8));
      byte[] parameters = readBytes(in, file);
      byte[] state = readBytes(in, file);
      if (version == WITHOUT_AVERAGE) {
        return new Contents(file, header, parameters, state, OptionalDouble.empty(), new byte[0]);
      }
      double decay = in.readDouble();
      byte[] average = readBytes(in, file);
      return new Contents(file, header, parameters, state, Double.isNaN(decay) ? OptionalDouble.empty() : OptionalDouble.of(decay), average);
    } catch (IOException e) {
      throw corrupt(file, e);
    }
  }

  /**
   * A checkpoint file as read, its integrity checked.
   *
   * @param file where it was read
   * @param header its step, best bits/dim and configuration
   * @param parameters the model's parameters as the model saved them
   * @param state the optimiser's state, encoded
   * @param averageDecay the decay of the moving average of the weights; empty when the file holds none
   * @param average that average, encoded (empty when none)
   */
  public record Contents(Path file, Checkpoint header, byte[] parameters, byte[] state, OptionalDouble averageDecay, byte[] average) {

    /**
     * Fails unless the checkpoint was written by the model that {@code model} describes: the same
     * values, or the same once both are {@linkplain ModelFactory#completed completed} (a run saved
     * before its saved form was complete). The error names the first difference.
     */
    public void requireWrittenBy(Settings model, ModelFactory factory) {
      ConfigObject saved = header.model(file);
      String savedName = "checkpoint " + file;
      String modelName = model.origin().filename() != null ? model.origin().filename() : model.origin().description();
      Optional<String> raw = ConfigDifference.first(model.path(), model.config().root(), modelName, saved, savedName);
      if (raw.isEmpty()) {
        return;
      }
      Optional<String> complete;
      try {
        complete = ConfigDifference.first(model.path(), factory.completed(model).config().root(), modelName,
            factory.completed(new Settings(saved, model.path())).config().root(), savedName);
      } catch (FlowException e) {
        complete = raw;
      }
      complete.ifPresent(d -> {
        throw new FlowException(savedName + " describes a different model than the run's configuration: " + d);
      });
    }

    /** Loads the parameters (with their saved state, such as ActNorm's) into {@code model}, checking every shape. */
    public void loadInto(FlowModel model, NDManager manager) {
      Map<String, Shape> expected = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        expected.put(p.getKey(), p.getValue().getArray().getShape());
      }
      String misfit = "checkpoint " + file + " does not fit the model built from its configuration: ";
      try {
        ByteArrayInputStream bytes = new ByteArrayInputStream(parameters);
        model.loadParameters(manager, new DataInputStream(bytes));
        if (bytes.available() != 0) {
          throw new FlowException(misfit + "it holds " + bytes.available() + " more bytes of parameters than the model has");
        }
      } catch (MalformedModelException | IOException | RuntimeException e) {
        throw e instanceof FlowException f ? f : new FlowException(misfit + e.getMessage(), e);
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        Shape found = p.getValue().getArray().getShape();
        if (!found.equals(expected.get(p.getKey()))) {
          throw new FlowException(misfit + "parameter " + p.getKey() + " has shape " + found
              + " in the file, the model needs " + expected.get(p.getKey()));
        }
      }
    }

    /**
     * Puts the moving average into the trainable parameters of {@code model}, whose parameters
     * were loaded with {@link #loadInto}; does nothing when the file holds no average.
     */
    public void loadAverageInto(FlowModel model, NDManager manager) {
      average(manager).ifPresent(weights -> {
        List<Parameter> trainable = model.trainableParameters();
        if (weights.size() != trainable.size()) {
          throw new FlowException("checkpoint " + file + " holds an average of " + weights.size() + " parameters, the model trains "
              + trainable.size());
        }
        for (int i = 0; i < trainable.size(); i++) {
          Shape expected = trainable.get(i).getArray().getShape();
          if (!weights.get(i).getShape().equals(expected)) {
            throw new FlowException("checkpoint " + file + " holds an average of shape " + weights.get(i).getShape()
                + " for parameter " + i + ", the model needs " + expected);
          }
          trainable.get(i).getArray().set(weights.get(i).toFloatArray());
        }
      });
    }

    /** The moving average of the trainable parameters, decoded into {@code manager}; empty when the file holds none. */
    public Optional<NDList> average(NDManager manager) {
      return averageDecay.isPresent() ? Optional.of(NDList.decode(manager, average)) : Optional.empty();
    }

    /** Which weights a reader of this checkpoint uses, for its output: see {@link Checkpoint#weights(OptionalDouble)}. */
    public String weights() {
      return Checkpoint.weights(averageDecay);
    }

    /** The optimiser's state, decoded into {@code manager}. */
    public NDList optimizerState(NDManager manager) {
      return NDList.decode(manager, state);
    }
  }

  /** The {@code model} block of the configuration saved in this checkpoint, read from {@code file}. */
  private ConfigObject model(Path file) {
    try {
      Config saved = ConfigFactory.parseString(config);
      if (!saved.hasPath("model")) {
        throw new FlowException("checkpoint " + file + " holds no model configuration");
      }
      return saved.getObject("model");
    } catch (ConfigException e) {
      throw new FlowException("checkpoint " + file + " holds an unreadable configuration: " + e.getMessage(), e);
    }
  }

  /** The file's bytes after its checksum and magic were checked, positioned at its version (1 or 2). */
  private static DataInputStream open(Path file) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new FlowException("checkpoint " + file + " does not exist");
    }
    if (all.length < 16) {
      throw new FlowException("checkpoint " + file + " is truncated: " + all.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = new DataInputStream(new ByteArrayInputStream(all, all.length - 8, 8)).readLong();
    if (stored != crc.getValue()) {
      throw new FlowException("checkpoint " + file + " is corrupt: its checksum does not match (truncated or overwritten)");
    }
    DataInputStream head = new DataInputStream(new ByteArrayInputStream(all, 0, 8));
    int magic = head.readInt();
    int version = head.readInt();
    if (magic != MAGIC || version != VERSION && version != WITHOUT_AVERAGE) {
      throw new FlowException("file " + file + " is not an AttnFlow checkpoint of version " + WITHOUT_AVERAGE + " or " + VERSION
          + " (magic " + Integer.toHexString(magic) + ", version " + version + ")");
    }
    return new DataInputStream(new ByteArrayInputStream(all, 4, all.length - 12));
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in, Path file) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new FlowException("checkpoint " + file + " is corrupt: a section claims " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static FlowException corrupt(Path file, IOException e) {
    String what = e instanceof EOFException ? "ends early" : e.getMessage();
    return new FlowException("cannot read checkpoint " + file + ": " + what, e);
  }
}
