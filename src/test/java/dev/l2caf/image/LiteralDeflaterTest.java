package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The literal-only zlib streams, read back by zlib's own inflater (java.util.zip). */
class LiteralDeflaterTest {

  @Test
  void inflatesBackToTheSameBytes() throws DataFormatException {
    Random random = new Random(3);
    for (int length : new int[] {0, 1, 2, 255, LiteralDeflater.BLOCK - 1, LiteralDeflater.BLOCK,
        LiteralDeflater.BLOCK + 1, 3 * LiteralDeflater.BLOCK + 17}) {
      byte[] noise = new byte[length];
      random.nextBytes(noise);
      assertArrayEquals(noise, inflate(LiteralDeflater.zlib(noise, length)), "random, " + length + " bytes");
      byte[] same = new byte[length];
      Arrays.fill(same, (byte) 42);
      assertArrayEquals(same, inflate(LiteralDeflater.zlib(same, length)), "one value, " + length + " bytes");
    }
  }

  @Test
  void onlyTheGivenLengthIsCoded() throws DataFormatException {
    byte[] data = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(new byte[] {1, 2, 3}, inflate(LiteralDeflater.zlib(data, 3)));
  }

  /**
   * Counts 1, 2, 3, 5, 8, ... (with the end-of-block code's 1, the Fibonacci numbers) give the deepest optimal
   * code: one bit more per symbol, deeper than deflate's 15 bits.
   */
  @Test
  void skewedCountsStayWithinFifteenBitCodes() throws DataFormatException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    long a = 1;
    long b = 2;
    for (int symbol = 0; symbol < 25; symbol++) {
      for (long i = 0; i < a; i++) {
        data.write(symbol);
      }
      long next = a + b;
      a = b;
      b = next;
    }
    byte[] bytes = data.toByteArray();
    int[] counts = new int[257];
    for (byte v : bytes) {
      counts[v & 0xFF]++;
    }
    counts[256] = 1;
    int[] unlimited = LiteralDeflater.lengths(counts, 64);
    assertTrue(Arrays.stream(unlimited).max().orElse(0) > 15, "the test needs a code deeper than 15 bits");
    int[] limited = LiteralDeflater.lengths(counts, 15);
    assertTrue(Arrays.stream(limited).max().orElse(0) <= 15);
    assertEquals(1.0, kraft(limited), 1e-12, "a complete prefix code");
    assertArrayEquals(bytes, inflate(LiteralDeflater.zlib(bytes, bytes.length)));
  }

  /**
   * Unlimited lengths are an optimal prefix code: their cost (the sum of count times length) equals the sum of
   * the weights merged by the textbook heap construction, and the code is complete, on random counts with
   * many ties and zeros, on one used symbol, and on none.
   */
  @Test
  void unlimitedLengthsAreOptimalAndComplete() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int[] counts = new int[257];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(1 + trial * 10);
      }
      assertOptimal(counts);
    }
    int[] one = new int[257];
    one[65] = 1000;
    assertOptimal(one);
    int[] lengths = LiteralDeflater.lengths(new int[19], 7);
    assertEquals(2, Arrays.stream(lengths).filter(l -> l > 0).count(), "two codes at least");
    assertEquals(1.0, kraft(lengths), 1e-12);
  }

  private static void assertOptimal(int[] counts) {
    int[] lengths = LiteralDeflater.lengths(counts, 64);
    java.util.PriorityQueue<Long> heap = new java.util.PriorityQueue<>();
    long cost = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        heap.add((long) counts[i]);
      }
      cost += (long) counts[i] * lengths[i];
    }
    long merged = 0;
    while (heap.size() > 1) {
      long sum = heap.poll() + heap.poll();
      merged += sum;
      heap.add(sum);
    }
    if (Arrays.stream(counts).filter(c -> c > 0).count() > 1) {
      assertEquals(merged, cost, "optimal cost");
    }
    assertEquals(1.0, kraft(lengths), 1e-12, "a complete prefix code");
  }

  /** Literals only, like zlib's Huffman-only strategy: the same size within a percent on a filtered photo. */
  @Test
  void aFilteredPhotoIsAsSmallAsZlibHuffmanOnly() throws Exception {
    RgbImage photo = RgbImage.from(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
        TestImages.sample("dog.jpg"))));
    byte[] rgb = photo.rgb();
    byte[] filtered = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      filtered[i] = (byte) (i % (photo.width() * 3) < 3 ? rgb[i] : rgb[i] - rgb[i - 3]);
    }
    byte[] ours = LiteralDeflater.zlib(filtered, filtered.length);
    Deflater zlib = new Deflater(Deflater.BEST_SPEED);
    zlib.setStrategy(Deflater.HUFFMAN_ONLY);
    zlib.setInput(filtered);
    zlib.finish();
    byte[] buffer = new byte[filtered.length * 2];
    int theirs = 0;
    while (!zlib.finished()) {
      theirs += zlib.deflate(buffer, theirs, buffer.length - theirs);
    }
    zlib.end();
    assertArrayEquals(filtered, inflate(ours));
    assertTrue(Math.abs(ours.length - theirs) <= theirs / 100, ours.length + " bytes against zlib's " + theirs);
  }

  private static double kraft(int[] lengths) {
    return Arrays.stream(lengths).filter(l -> l > 0).mapToDouble(l -> Math.pow(2, -l)).sum();
  }

  private static byte[] inflate(byte[] zlib) throws DataFormatException {
    Inflater inflater = new Inflater();
    inflater.setInput(zlib);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
        throw new DataFormatException("truncated stream");
      }
      out.write(buffer, 0, n);
    }
    assertEquals(0, inflater.getRemaining(), "bytes after the stream");
    inflater.end();
    return out.toByteArray();
  }
}
