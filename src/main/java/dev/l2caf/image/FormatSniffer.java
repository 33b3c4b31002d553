package dev.l2caf.image;

import java.nio.charset.StandardCharsets;

/** Tells the format from the first bytes, and for refused input says what it looks like instead. */
final class FormatSniffer {

  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int TEXT_PREFIX = 512;

  private FormatSniffer() {}

  static ImageFormat sniff(String source, byte[] bytes) {
    if (startsWith(bytes, 0, JPEG_MAGIC)) {
      return ImageFormat.JPEG;
    }
    if (startsWith(bytes, 0, PNG_MAGIC)) {
      return ImageFormat.PNG;
    }
    throw new ImageException(
        ImageException.Code.UNSUPPORTED_FORMAT,
        source,
        "unsupported image format (looks like " + lookalike(bytes) + "); send a JPEG or PNG");
  }

  /** A best guess for the error message only; nothing depends on it being right. */
  static String lookalike(byte[] b) {
    if (startsWith(b, 0, ascii("GIF8"))) {
      return "GIF";
    }
    if (startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
      return "WebP";
    }
    if (startsWith(b, 4, ascii("ftyp"))) {
      return "HEIC/AVIF or another ISO media file";
    }
    if (startsWith(b, 0, ascii("II*\0")) || startsWith(b, 0, ascii("MM\0*"))) {
      return "TIFF";
    }
    if (startsWith(b, 0, ascii("BM"))) {
      return "BMP";
    }
    if (startsWith(b, 0, ascii("PK\3\4"))) {
      return "a ZIP archive";
    }
    if (startsWith(b, 0, ascii("%PDF"))) {
      return "PDF";
    }
    String text = printablePrefix(b);
    if (text == null) {
      return "unknown binary data";
    }
    if (text.contains("<svg")) {
      return "SVG";
    }
    return text.stripLeading().startsWith("<") ? "XML/HTML" : "text";
  }

  /** The first bytes as text if they are printable UTF-8, else null. */
  private static String printablePrefix(byte[] b) {
    String text = new String(b, 0, Math.min(b.length, TEXT_PREFIX), StandardCharsets.UTF_8);
    // The cut at TEXT_PREFIX may split a character; that one replacement is no evidence.
    String whole =
        b.length > TEXT_PREFIX && text.endsWith("\uFFFD")
            ? text.substring(0, text.length() - 1)
            : text;
    return whole.chars().allMatch(FormatSniffer::isPrintable) ? text : null;
  }

  private static boolean isPrintable(int c) {
    return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0x7F && c != 0xFFFD);
  }

  static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    if (bytes.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
