package org.attnflow.api.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.attnflow.api.FlowException;

/**
 * NumPy's {@code .npz} archives: a zip file whose entries {@code NAME.npy} each hold one array in
 * the {@code .npy} format (a magic string, a version, a header that is a Python dict literal with
 * {@code descr}, {@code fortran_order} and {@code shape}, then the raw values). Reads entries that
 * are stored or deflated ({@code numpy.savez} and {@code numpy.savez_compressed}), format versions
 * 1.0 to 3.0, of unsigned bytes or 32- and 64-bit floats in either byte order and either memory
 * order; writes version 1.0 headers and stored entries, which every NumPy reads. Errors are
 * {@link FlowException}s that start with the file and name the entry.
 */
public final class Npz {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGNMENT = 64;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npz() {}

  /** The element types read and written. */
  public enum Type {
    /** {@code u1}: unsigned 8-bit integers, such as pixels. */
    UINT8('u', 1),
    /** {@code f4}: 32-bit floats. */
    FLOAT32('f', 4),
    /** {@code f8}: 64-bit floats. */
    FLOAT64('f', 8);

    private final char kind;
    private final int bytes;

    Type(char kind, int bytes) {
      this.kind = kind;
      this.bytes = bytes;
    }

    private static Optional<Type> of(char kind, int bytes) {
      return Arrays.stream(values()).filter(t -> t.kind == kind && t.bytes == bytes).findFirst();
    }
  }

  /**
   * One array: its element type, its shape and its values in C order (last index fastest), as
   * little-endian bytes.
   *
   * @param type the element type
   * @param shape the size of each axis; empty for a scalar
   * @param data the values, {@code type.bytes} each, little-endian, C order
   */
  public record Array(Type type, int[] shape, byte[] data) {

    /** Validates that the data holds exactly one value per element of the shape. */
    public Array {
      shape = shape.clone();
      if ((long) elements(shape) * type.bytes != data.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + type
            + " needs " + elements(shape) * type.bytes + " bytes, found " + data.length);
      }
    }

    /** An array of 64-bit floats. */
    public static Array ofDoubles(int[] shape, double[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(values);
      return new Array(Type.FLOAT64, shape, b.array());
    }

    /** An array of unsigned bytes. */
    public static Array ofBytes(int[] shape, byte[] values) {
      return new Array(Type.UINT8, shape, values.clone());
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    /** The number of elements. */
    public int size() {
      return data.length / type.bytes;
    }

    /** The values as doubles, in C order (bytes read as 0..255). */
    public double[] doubles() {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      double[] out = new double[size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = switch (type) {
          case UINT8 -> data[i] & 0xFF;
          case FLOAT32 -> b.getFloat(i * Float.BYTES);
          case FLOAT64 -> b.getDouble(i * Double.BYTES);
        };
      }
      return out;
    }

    /** The values of an array of unsigned bytes, in C order. */
    public byte[] bytes() {
      if (type != Type.UINT8) {
        throw new IllegalStateException("an array of " + type + " holds no bytes");
      }
      return data.clone();
    }

    /** The shape as NumPy prints it, e.g. {@code (3, 3)} or {@code (3,)}. */
    public String shapeText() {
      return tuple(shape);
    }
  }

  /** Reads every {@code .npy} entry of {@code file}, by name without the suffix, in archive order. */
  public static Map<String, Array> read(Path file) {
    Map<String, Array> arrays = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (entry.getName().endsWith(".npy")) {
          try (InputStream in = zip.getInputStream(entry)) {
            String name = entry.getName().substring(0, entry.getName().length() - 4);
            arrays.put(name, readNpy(in, file + ": " + entry.getName()));
          }
        }
      }
    } catch (ZipException e) {
      throw new FlowException(file + ": not a readable .npz (zip) archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new FlowException(file + ": cannot read: " + e.getMessage(), e);
    }
    return arrays;
  }

  /** Writes {@code arrays} as an archive of stored {@code NAME.npy} entries, in map order. */
  public static void write(OutputStream out, Map<String, Array> arrays) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, Array> a : arrays.entrySet()) {
      byte[] npy = npy(a.getValue());
      CRC32 crc = new CRC32();
      crc.update(npy);
      ZipEntry entry = new ZipEntry(a.getKey() + ".npy");
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(npy.length);
      entry.setCompressedSize(npy.length);
      entry.setCrc(crc.getValue());
      entry.setTime(315532800000L); // 1980-01-01, as NumPy stamps its entries: equal arrays give equal files
      zip.putNextEntry(entry);
      zip.write(npy);
      zip.closeEntry();
    }
    zip.finish();
  }

  private static byte[] npy(Array array) {
    String dict = "{'descr': '" + (array.type() == Type.UINT8 ? "|" : "<") + array.type().kind + array.type().bytes
        + "', 'fortran_order': False, 'shape': " + tuple(array.shape) + ", }";
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    String header = dict + " ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT) + "\n";
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + array.data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.US_ASCII)).put(array.data);
    return b.array();
  }

  private static Array readNpy(InputStream in, String where) throws IOException {
    byte[] preamble = in.readNBytes(MAGIC.length + 2);
    if (preamble.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(preamble, MAGIC.length), MAGIC)) {
      throw new FlowException(where + ": not a .npy array (no \\x93NUMPY magic string)");
    }
    int major = preamble[MAGIC.length];
    if (major < 1 || major > 3) {
      throw new FlowException(where + ": unsupported .npy format version " + major + "." + preamble[MAGIC.length + 1]);
    }
    byte[] length = in.readNBytes(major == 1 ? 2 : 4);
    ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = lb.getInt();
    if (length.length < (major == 1 ? 2 : 4) || headerLength < 0 || headerLength > 1 << 20) {
      throw new FlowException(where + ": truncated or implausible .npy header length");
    }
    String header = new String(in.readNBytes(headerLength), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher order = ORDER.matcher(header);
    Matcher shapeText = SHAPE.matcher(header);
    if (!descr.find() || !order.find() || !shapeText.find()) {
      throw new FlowException(where + ": expected an array of u1, f4 or f8 values with a fortran_order and a shape,"
          + " found the header " + header.strip());
    }
    Type type = Type.of(descr.group(2).charAt(0), Integer.parseInt(descr.group(3))).orElseThrow(() ->
        new FlowException(where + ": unsupported element type " + descr.group(2) + descr.group(3) + "; expected u1, f4 or f8"));
    int[] shape = shape(shapeText.group(1), where);
    long bytes = elements(shape) * type.bytes;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new FlowException(where + ": the array " + tuple(shape) + " is larger than one Java array holds");
    }
    byte[] data = in.readNBytes((int) bytes);
    if (data.length < bytes) {
      throw new FlowException(where + ": truncated: expected " + bytes + " bytes of values for shape " + tuple(shape) + ", found " + data.length);
    }
    if (descr.group(1).equals(">") && type.bytes > 1) {
      reverseEachValue(data, type.bytes);
    }
    if (order.group(1).equals("True")) {
      data = toCOrder(data, shape, type.bytes);
    }
    return new Array(type, shape, data);
  }

  private static int[] shape(String text, String where) {
    String[] parts = text.trim().isEmpty() ? new String[0] : text.split(",");
    int[] shape = new int[(int) Arrays.stream(parts).filter(p -> !p.isBlank()).count()];
    int axis = 0;
    for (String p : parts) {
      if (p.isBlank()) {
        continue;
      }
      try {
        shape[axis++] = Integer.parseInt(p.trim().replaceFirst("L$", ""));
      } catch (NumberFormatException e) {
        throw new FlowException(where + ": cannot read the shape (" + text + ")");
      }
      if (shape[axis - 1] < 0) {
        throw new FlowException(where + ": negative size in the shape (" + text + ")");
      }
    }
    return shape;
  }

  private static long elements(int[] shape) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    return n;
  }

  private static String tuple(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return b.append(')').toString();
  }

  private static void reverseEachValue(byte[] data, int width) {
    for (int start = 0; start < data.length; start += width) {
      for (int i = 0, j = width - 1; i < j; i++, j--) {
        byte t = data[start + i];
        data[start + i] = data[start + j];
        data[start + j] = t;
      }
    }
  }

  /** Reorders values stored first index fastest into last index fastest. */
  private static byte[] toCOrder(byte[] data, int[] shape, int width) {
    byte[] out = new byte[data.length];
    int[] index = new int[shape.length];
    int count = data.length / width;
    for (int f = 0; f < count; f++) {
      int c = 0;
      for (int axis = 0; axis < shape.length; axis++) {
        c = c * shape[axis] + index[axis];
      }
      System.arraycopy(data, f * width, out, c * width, width);
      for (int axis = 0; axis < shape.length && ++index[axis] == shape[axis]; axis++) {
        index[axis] = 0;
      }
    }
    return out;
  }
}
