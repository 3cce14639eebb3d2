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
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;

/**
 * A training checkpoint: the step, the best test bits/dim so far, the resolved configuration, the
 * model's parameters (with ActNorm's initialisation state) and the optimiser's moments. The data
 * order, augmentation and noise are pure functions of the seed and the step, so the step is the
 * whole random state. Written atomically with a CRC-32, so a torn or corrupt file is detected.
 *
 * @param step the number of completed training steps
 * @param bestBpd the best test bits/dim seen so far (NaN when none)
 * @param config the resolved configuration, as HOCON/JSON text
 */
public record Checkpoint(long step, double bestBpd, String config) {
  private static final int MAGIC = 0x41464c57; // "AFLW"
  private static final int VERSION = 1;

  /** Atomically writes this checkpoint with the model's parameters and the optimiser's state. */
  public void write(Path file, FlowModel model, NDList optimizerState) {
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

  /** Reads the header of a checkpoint (step, best, config) and checks its integrity. */
  public static Checkpoint readHeader(Path file) {
    return read(file).header();
  }

  /** Reads {@code file} once and checks its integrity; what is done with it reads no more of the disk. */
  public static Contents read(Path file) {
    try (DataInputStream in = open(file)) {
      Checkpoint header = new Checkpoint(in.readLong(), in.readDouble(), new String(readBytes(in, file), StandardCharsets.UTF_8));
      return new Contents(file, header, readBytes(in, file), readBytes(in, file));
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
   */
  public record Contents(Path file, Checkpoint header, byte[] parameters, byte[] state) {

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
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
    int magic = in.readInt();
    int version = in.readInt();
    if (magic != MAGIC || version != VERSION) {
      throw new FlowException("file " + file + " is not an AttnFlow checkpoint of version " + VERSION
          + " (magic " + Integer.toHexString(magic) + ", version " + version + ")");
    }
    return in;
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
