package org.attnflow.api.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
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
 * 1.0 to 3.0, of unsigned bytes, 16-, 32- and 64-bit signed integers or 32- and 64-bit floats in
 * either byte order and either memory order; writes version 1.0 headers and stored entries, which
 * every NumPy reads. {@link #read} decodes every array; {@link #open} reads one entry at a time and
 * can decode a large array of bytes straight into the caller's arrays (the batches of downsampled
 * ImageNet). Errors are {@link FlowException}s that start with the file and name the entry.
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
    /** {@code i2}: signed 16-bit integers. */
    INT16('i', 2),
    /** {@code i4}: signed 32-bit integers, such as labels. */
    INT32('i', 4),
    /** {@code i8}: signed 64-bit integers, NumPy's default for a list of Python integers. */
    INT64('i', 8),
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
          case FLOAT32 -> b.getFloat(i * Float.BYTES);
          case FLOAT64 -> b.getDouble(i * Double.BYTES);
          default -> integer(b, i);
        };
      }
      return out;
    }

    /** The values of an array of integers (any integer type), in C order. */
    public long[] longs() {
      if (type == Type.FLOAT32 || type == Type.FLOAT64) {
        throw new IllegalStateException("an array of " + type + " holds no integers");
      }
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      long[] out = new long[size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = integer(b, i);
      }
      return out;
    }

    private long integer(ByteBuffer b, int i) {
      return switch (type) {
        case UINT8 -> data[i] & 0xFF;
        case INT16 -> b.getShort(i * Short.BYTES);
        case INT32 -> b.getInt(i * Integer.BYTES);
        case INT64 -> b.getLong(i * Long.BYTES);
        default -> throw new IllegalStateException(type + " is not an integer type");
      };
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
    try (Archive archive = open(file)) {
      for (String name : archive.names()) {
        arrays.put(name, archive.array(name));
      }
    }
    return arrays;
  }

  /** Opens {@code file} to read its entries one at a time; close it when done. */
  public static Archive open(Path file) {
    try {
      return new Archive(file, new ZipFile(file.toFile()));
    } catch (ZipException e) {
      throw new FlowException(file + ": not a readable .npz (zip) archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new FlowException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The header of one {@code .npy} entry: what its values are, before they are read.
   *
   * @param type the element type
   * @param descr the element type as the file spells it, such as {@code <i8}
   * @param shape the size of each axis
   * @param fortranOrder true when the values are stored first index fastest
   */
  public record Header(Type type, String descr, int[] shape, boolean fortranOrder) {

    /** Copies the shape. */
    public Header {
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    /** The number of values. */
    public long elements() {
      return Npz.elements(shape);
    }

    /** The shape as NumPy prints it, e.g. {@code (3, 3)} or {@code (3,)}. */
    public String shapeText() {
      return tuple(shape);
    }
  }

  /** An open {@code .npz} archive whose entries are read one at a time, each as often as asked. */
  public static final class Archive implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;

    private Archive(Path file, ZipFile zip) {
      this.file = file;
      this.zip = zip;
    }

    /** The names of the {@code .npy} entries without the suffix, in archive order. */
    public List<String> names() {
      List<String> names = new ArrayList<>();
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String entry = e.nextElement().getName();
        if (entry.endsWith(".npy")) {
          names.add(entry.substring(0, entry.length() - 4));
        }
      }
      return names;
    }

    /** The header of entry {@code name}, failing with the names there are when there is no such entry. */
    public Header header(String name) {
      return withEntry(name, (in, where) -> readHeader(in, where));
    }

    /** Decodes entry {@code name}. */
    public Array array(String name) {
      return withEntry(name, (in, where) -> readValues(in, where, readHeader(in, where)));
    }

    /**
     * Reads the values of entry {@code name}, an array of unsigned bytes, in C order into the bytes
     * of {@code arrays} taken one after the other as one run, from byte {@code start} of that run:
     * an array too large for one Java array of the caller continues in the next, without another
     * copy (a Fortran-order array is reordered through one). Returns the header; a short entry fails
     * with the row (first index) where it ends.
     */
    public Header readBytes(String name, List<byte[]> arrays, long start) {
      return withEntry(name, (in, where) -> {
        Header header = readHeader(in, where);
        if (header.type() != Type.UINT8) {
          throw new FlowException(where + ": expected unsigned bytes (|u1), found " + header.descr());
        }
        long room = arrays.stream().mapToLong(a -> a.length).sum() - start;
        if (header.elements() > room) {
          throw new FlowException(where + ": the array " + header.shapeText() + " holds " + header.elements()
              + " values, more than the " + room + " left for it");
        }
        InputStream values = header.fortranOrder() ? new ByteArrayInputStream(readValues(in, where, header).data) : in;
        long done = 0;
        long skipped = 0;
        for (byte[] array : arrays) {
          if (done == header.elements()) {
            break;
          }
          long from = Math.max(0, start - skipped);
          skipped += array.length;
          if (from >= array.length) {
            continue;
          }
          int length = (int) Math.min(array.length - from, header.elements() - done);
          int read = values.readNBytes(array, (int) from, length);
          done += read;
          if (read < length) {
            throw truncated(where, header, done);
          }
        }
        return header;
      });
    }

    private <T> T withEntry(String name, EntryReader<T> reader) {
      ZipEntry entry = zip.getEntry(name + ".npy");
      if (entry == null) {
        throw new FlowException(file + ": expected an array " + name + " (entry " + name + ".npy), found only " + names());
      }
      String where = file + ": " + entry.getName();
      try (InputStream in = zip.getInputStream(entry)) {
        return reader.read(in, where);
      } catch (ZipException e) {
        throw new FlowException(where + ": the compressed entry is damaged: " + e.getMessage(), e);
      } catch (java.io.EOFException e) {
        throw new FlowException(where + ": truncated: the compressed entry ends early", e);
      } catch (IOException e) {
        throw new FlowException(where + ": cannot read: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        zip.close();
      } catch (IOException e) {
        throw new FlowException(file + ": cannot close: " + e.getMessage(), e);
      }
    }
  }

  /** Reads from an entry's stream; {@code where} names the file and entry for messages. */
  private interface EntryReader<T> {
    T read(InputStream in, String where) throws IOException;
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

  private static Header readHeader(InputStream in, String where) throws IOException {
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
      throw new FlowException(where + ": expected an array of u1, i2, i4, i8, f4 or f8 values with a fortran_order and a"
          + " shape, found the header " + header.strip());
    }
    String spelled = descr.group(1) + descr.group(2) + descr.group(3);
    Type type = Type.of(descr.group(2).charAt(0), Integer.parseInt(descr.group(3))).orElseThrow(() ->
        new FlowException(where + ": unsupported element type " + descr.group(2) + descr.group(3)
            + "; expected u1, i2, i4, i8, f4 or f8"));
    int[] shape = shape(shapeText.group(1), where);
    if (elements(shape) * type.bytes > Integer.MAX_VALUE - 8) {
      throw new FlowException(where + ": the array " + tuple(shape) + " is larger than one Java array holds");
    }
    return new Header(type, spelled, shape, order.group(1).equals("True"));
  }

  private static Array readValues(InputStream in, String where, Header header) throws IOException {
    Type type = header.type();
    long bytes = header.elements() * type.bytes;
    byte[] data = in.readNBytes((int) bytes);
    if (data.length < bytes) {
      throw truncated(where, header, data.length);
    }
    if (header.descr().startsWith(">") && type.bytes > 1) {
      reverseEachValue(data, type.bytes);
    }
    if (header.fortranOrder()) {
      data = toCOrder(data, header.shape, type.bytes);
    }
    return new Array(type, header.shape, data);
  }

  /** A truncated entry: how many bytes were there and, for C order, in which row (first index) they end. */
  private static FlowException truncated(String where, Header header, long found) {
    long bytes = header.elements() * header.type().bytes;
    long rowBytes = header.shape.length > 1 && header.shape[0] > 0 ? bytes / header.shape[0] : header.type().bytes;
    String row = header.fortranOrder() || rowBytes == 0 ? "" : ", ending in row " + found / rowBytes + " of " + (header.shape.length > 0 ? header.shape[0] : 1);
    return new FlowException(where + ": truncated: expected " + bytes + " bytes of values for shape " + header.shapeText()
        + ", found " + found + row);
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
