package org.attnflow.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.attnflow.api.FlowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading archives NumPy wrote (scripts/make-fid-fixture.py), writing archives read back the same,
 * the less common layouts (float32, big-endian, Fortran order) and one-line errors naming the file.
 */
class NpzTest {
  private static final double[] MU = {1.5, -2.0, 0.25};
  private static final double[] SIGMA = {2.0, 0.5, 0.0, 0.5, 1.0, -0.25, 0.0, -0.25, 3.0};

  @TempDir Path tmp;

  @Test
  void readsWhatNumpySavezAndSavezCompressedWrote() {
    for (String name : new String[] {"stored.npz", "deflated.npz"}) {
      Map<String, Npz.Array> arrays = Npz.read(Path.of("src/test/resources/npz", name));
      assertEquals(List.of("mu", "sigma"), java.util.List.copyOf(arrays.keySet()), name);
      assertArrayEquals(new int[] {3}, arrays.get("mu").shape(), name);
      assertArrayEquals(new int[] {3, 3}, arrays.get("sigma").shape(), name);
      assertEquals(Npz.Type.FLOAT64, arrays.get("sigma").type(), name);
      assertArrayEquals(MU, arrays.get("mu").doubles(), 0, name);
      assertArrayEquals(SIGMA, arrays.get("sigma").doubles(), 0, name);
    }
  }

  @Test
  void writtenArchivesReadBackAndAreByteForByteRepeatable() throws IOException {
    Map<String, Npz.Array> arrays = new LinkedHashMap<>();
    arrays.put("mu", Npz.Array.ofDoubles(new int[] {3}, MU));
    arrays.put("sigma", Npz.Array.ofDoubles(new int[] {3, 3}, SIGMA));
    arrays.put("label", Npz.Array.ofBytes(new int[] {2}, "ok".getBytes(StandardCharsets.US_ASCII)));
    Path file = tmp.resolve("written.npz");
    try (OutputStream out = Files.newOutputStream(file)) {
      Npz.write(out, arrays);
    }
    Map<String, Npz.Array> back = Npz.read(file);
    assertArrayEquals(MU, back.get("mu").doubles(), 0);
    assertArrayEquals(SIGMA, back.get("sigma").doubles(), 0);
    assertEquals("ok", new String(back.get("label").bytes(), StandardCharsets.US_ASCII));
    assertEquals("(3, 3)", back.get("sigma").shapeText());
    assertEquals("(3,)", back.get("mu").shapeText());

    Path again = tmp.resolve("again.npz");
    try (OutputStream out = Files.newOutputStream(again)) {
      Npz.write(out, arrays);
    }
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
  }

  @Test
  void headersArePaddedToSixtyFourBytesAsNumpyDoes() throws IOException {
    Path file = tmp.resolve("one.npz");
    try (OutputStream out = Files.newOutputStream(file)) {
      Npz.write(out, Map.of("mu", Npz.Array.ofDoubles(new int[] {3}, MU)));
    }
    // NumPy's own archive of the same array has the same entry: 128 header bytes and 24 of values
    try (java.util.zip.ZipFile ours = new java.util.zip.ZipFile(file.toFile());
        java.util.zip.ZipFile numpy = new java.util.zip.ZipFile("src/test/resources/npz/stored.npz")) {
      assertArrayEquals(numpy.getInputStream(numpy.getEntry("mu.npy")).readAllBytes(),
          ours.getInputStream(ours.getEntry("mu.npy")).readAllBytes());
    }
  }

  @Test
  void float32BigEndianAndFortranOrderAreReadInCOrder() throws IOException {
    // the 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column after column, as big-endian float32
    ByteBuffer values = ByteBuffer.allocate(6 * 4).order(ByteOrder.BIG_ENDIAN);
    for (float v : new float[] {1, 4, 2, 5, 3, 6}) {
      values.putFloat(v);
    }
    Path file = archive("m.npy", "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", values.array());
    Npz.Array m = Npz.read(file).get("m");
    assertEquals(Npz.Type.FLOAT32, m.type());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.doubles(), 0);
  }

  @Test
  void badArchivesFailWithTheFileAndWhatWasWrong() throws IOException {
    Path notZip = tmp.resolve("text.npz");
    Files.writeString(notZip, "hello");
    assertMessage(notZip, "not a readable .npz", () -> Npz.read(notZip));

    Path complex = archive("a.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
    assertMessage(complex, "a.npy: unsupported element type c8", () -> Npz.read(complex));

    Path shortValues = archive("b.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new byte[9]);
    assertMessage(shortValues, "b.npy: truncated: expected 16 bytes", () -> Npz.read(shortValues));

    Path noMagic = tmp.resolve("nomagic.npz");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(noMagic))) {
      zip.putNextEntry(new ZipEntry("c.npy"));
      zip.write("not numpy at all".getBytes(StandardCharsets.US_ASCII));
    }
    assertMessage(noMagic, "c.npy: not a .npy array", () -> Npz.read(noMagic));
  }

  @Test
  void integersOfEveryWidthAndByteOrderAreRead() throws IOException {
    ByteBuffer little = ByteBuffer.allocate(3 * 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(-2).putLong(1000);
    Path int64 = archive("labels.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", little.array());
    Npz.Array labels = Npz.read(int64).get("labels");
    assertEquals(Npz.Type.INT64, labels.type());
    assertArrayEquals(new long[] {1, -2, 1000}, labels.longs());
    assertArrayEquals(new double[] {1, -2, 1000}, labels.doubles(), 0);

    ByteBuffer big = ByteBuffer.allocate(2 * 4).order(ByteOrder.BIG_ENDIAN).putInt(7).putInt(-9);
    Path int32 = archive("b.npy", "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", big.array());
    assertArrayEquals(new long[] {7, -9}, Npz.read(int32).get("b").longs());

    ByteBuffer shorts = ByteBuffer.allocate(2 * 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 300).putShort((short) -1);
    Path int16 = archive("c.npy", "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", shorts.array());
    assertArrayEquals(new long[] {300, -1}, Npz.read(int16).get("c").longs());
  }

  @Test
  void bytesAreReadStraightIntoTheCallersArrayStoredOrDeflated() throws IOException {
    byte[] values = {1, 2, 3, 4, 5, 6};
    Map<String, Npz.Array> arrays = Map.of("data", Npz.Array.ofBytes(new int[] {2, 3}, values));
    Path stored = tmp.resolve("stored-bytes.npz");
    try (OutputStream out = Files.newOutputStream(stored)) {
      Npz.write(out, arrays);
    }
    Path deflated = archive("data.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", values);
    for (Path file : new Path[] {stored, deflated}) {
      byte[] target = new byte[8];
      try (Npz.Archive archive = Npz.open(file)) {
        assertEquals(List.of("data"), archive.names());
        assertEquals("(2, 3)", archive.header("data").shapeText());
        Npz.Header header = archive.readBytes("data", List.of(target), 2);
        assertEquals(6, header.elements());
      }
      assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4, 5, 6}, target, file.toString());
    }
  }

  @Test
  void bytesContinueAcrossTheCallersArraysStoredDeflatedOrInFortranOrder() throws IOException {
    byte[] values = new byte[12];
    for (int i = 0; i < values.length; i++) {
      values[i] = (byte) (i + 1);
    }
    Path stored = tmp.resolve("stored-rows.npz");
    try (OutputStream out = Files.newOutputStream(stored)) {
      Npz.write(out, Map.of("data", Npz.Array.ofBytes(new int[] {4, 3}, values)));
    }
    Path deflated = Files.move(archive("data.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }", values),
        tmp.resolve("deflated-rows.npz"));
    // the same 4×3 array stored first index fastest: column 0 is 1, 4, 7, 10
    byte[] columns = {1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12};
    Path fortran = archive("data.npy", "{'descr': '|u1', 'fortran_order': True, 'shape': (4, 3), }", columns);
    for (Path file : new Path[] {stored, deflated, fortran}) {
      // a run of 3 + 4 + 2 + 7 bytes; the values start at byte 4, so rows 0 and 1 straddle boundaries
      List<byte[]> arrays = List.of(new byte[3], new byte[4], new byte[2], new byte[7]);
      try (Npz.Archive archive = Npz.open(file)) {
        archive.readBytes("data", arrays, 4);
      }
      assertArrayEquals(new byte[] {0, 0, 0}, arrays.get(0), file.toString());
      assertArrayEquals(new byte[] {0, 1, 2, 3}, arrays.get(1), file.toString());
      assertArrayEquals(new byte[] {4, 5}, arrays.get(2), file.toString());
      assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11, 12}, arrays.get(3), file.toString());
    }
    assertMessage(stored, "more than the 10 left for it", () -> {
      try (Npz.Archive archive = Npz.open(stored)) {
        archive.readBytes("data", List.of(new byte[6], new byte[6]), 2);
      }
    });
  }

  @Test
  void aShortEntryAcrossTheCallersArraysNamesTheRowWhereItEnds() throws IOException {
    Path cut = archive("data.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }", new byte[8]);
    assertMessage(cut, "data.npy: truncated: expected 12 bytes of values for shape (4, 3), found 8, ending in row 2 of 4", () -> {
      try (Npz.Archive archive = Npz.open(cut)) {
        archive.readBytes("data", List.of(new byte[5], new byte[7]), 0);
      }
    });
  }

  @Test
  void readingBytesFailsOnAShortEntryAWrongTypeOrAMissingEntry() throws IOException {
    Path cut = archive("data.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }", new byte[7]);
    assertMessage(cut, "data.npy: truncated: expected 12 bytes of values for shape (4, 3), found 7, ending in row 2 of 4",
        () -> read(cut, "data", new byte[12]));

    Path floats = archive("data.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    assertMessage(floats, "data.npy: expected unsigned bytes (|u1), found <f4", () -> read(floats, "data", new byte[4]));

    assertMessage(floats, "expected an array labels (entry labels.npy), found only [data]", () -> read(floats, "labels", new byte[4]));

    Path big = archive("data.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", new byte[6]);
    assertMessage(big, "more than the 5 left for it", () -> read(big, "data", new byte[5]));
  }

  private static void read(Path file, String entry, byte[] target) {
    try (Npz.Archive archive = Npz.open(file)) {
      archive.readBytes(entry, List.of(target), 0);
    }
  }

  private static void assertMessage(Path file, String part, org.junit.jupiter.api.function.Executable read) {
    FlowException e = assertThrows(FlowException.class, read);
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  /** A deflated archive with one entry of a version 1.0 header and the given value bytes. */
  private Path archive(String entry, String dict, byte[] values) throws IOException {
    Path file = tmp.resolve(entry + ".npz");
    byte[] header = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry(entry));
      zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, 0});
      zip.write(header);
      zip.write(values);
    }
    return file;
  }
}
