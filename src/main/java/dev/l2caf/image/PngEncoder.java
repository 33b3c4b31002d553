package dev.l2caf.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder for 8-bit gray and RGB pictures: every row with the Sub filter, then zlib's
 * native deflate at a fast level. ImageIO's writer chooses a filter per row by trying all five in Java
 * and, at the quality the service used, stored the result uncompressed; this one is several times
 * faster for files of about the same size (measured in the service README).
 */
public final class PngEncoder {
  /** zlib level 1: on photo overlays within a few percent of level 6's size at a fraction of its time. */
  public static final int DEFAULT_LEVEL = Deflater.BEST_SPEED;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int COLOR_GRAY = 0;
  private static final int COLOR_RGB = 2;
  private static final byte FILTER_SUB = 1;
  /** A chunk's length, type and CRC. */
  private static final int CHUNK_OVERHEAD = 12;

  private PngEncoder() {}

  /**
   * RGB pictures are photos (overlays): after the Sub filter their bytes seldom repeat in runs worth a match,
   * so Huffman coding alone, by {@link LiteralDeflater} (zlib's Huffman-only strategy, done faster).
   */
  public static byte[] rgb(RgbImage image) {
    return encodeLiterals(image.width(), image.height(), 3, image.rgb());
  }

  /**
   * Gray pictures are upsampled heatmaps, smooth, whose filtered rows repeat: matches halve their size (and
   * Huffman alone is no faster on them).
   *
   * @param levels {@code width * height} gray levels, row-major
   */
  public static byte[] gray(int width, int height, byte[] levels) {
    return encode(width, height, 1, levels, DEFAULT_LEVEL, Deflater.DEFAULT_STRATEGY);
  }

  /** A PNG whose rows are deflated by zlib at {@code level} with {@code strategy}. */
  static byte[] encode(int width, int height, int channels, byte[] pixels, int level, int strategy) {
    byte[] rows = filtered(width, height, channels, pixels);
    Deflater deflater = new Deflater(level);
    deflater.setStrategy(strategy);
    try {
      deflater.setInput(rows);
      deflater.finish();
      ByteArrayOutputStream data = new ByteArrayOutputStream(rows.length / 2 + 1024);
      byte[] compressed = new byte[64 * 1024];
      while (!deflater.finished()) {
        data.write(compressed, 0, deflater.deflate(compressed));
      }
      return png(width, height, channels, data.toByteArray());
    } finally {
      deflater.end();
    }
  }

  /** A PNG whose rows are Huffman-coded without matches by {@link LiteralDeflater}. */
  static byte[] encodeLiterals(int width, int height, int channels, byte[] pixels) {
    byte[] rows = filtered(width, height, channels, pixels);
    return png(width, height, channels, LiteralDeflater.zlib(rows, rows.length));
  }

  /** The rows as PNG stores them before compression: each a filter byte (Sub), then the filtered bytes. */
  private static byte[] filtered(int width, int height, int channels, byte[] pixels) {
    int stride = width * channels;
    if (width <= 0 || height <= 0 || pixels.length != (long) stride * height) {
      throw new IllegalArgumentException("expected " + (long) stride * height + " bytes for " + width + "x" + height
          + "x" + channels + ", got " + pixels.length);
    }
    byte[] rows = new byte[(stride + 1) * height];
    for (int y = 0; y < height; y++) {
      int from = y * stride;
      int to = y * (stride + 1);
      rows[to] = FILTER_SUB;
      // Sub: each byte minus the same channel of the pixel to its left, which photos make small.
      for (int i = 0; i < channels; i++) {
        rows[to + 1 + i] = pixels[from + i];
      }
      for (int i = channels; i < stride; i++) {
        rows[to + 1 + i] = (byte) (pixels[from + i] - pixels[from + i - channels]);
      }
    }
    return rows;
  }

  /** The PNG file around the zlib stream {@code idat}, written once into an array of its exact size. */
  private static byte[] png(int width, int height, int channels, byte[] idat) {
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) (channels == 1 ? COLOR_GRAY : COLOR_RGB)).put((byte) 0).put((byte) 0).put((byte) 0);
    ByteBuffer out = ByteBuffer.allocate(SIGNATURE.length + 3 * CHUNK_OVERHEAD + header.capacity() + idat.length);
    out.put(SIGNATURE);
    chunk(out, "IHDR", header.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.array();
  }

  /** A chunk: length, type, data, then the CRC-32 of type and data. */
  private static void chunk(ByteBuffer out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
  }
}
