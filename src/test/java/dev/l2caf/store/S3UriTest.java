package dev.l2caf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3UriTest {
  @Test
  void parsesBucketAndKey() {
    S3Uri uri = S3Uri.parse("s3://l2caf/inputs/cat 1.jpg");

    assertEquals(new S3Uri("l2caf", "inputs/cat 1.jpg"), uri);
    assertEquals("s3://l2caf/inputs/cat 1.jpg", uri.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "http://169.254.169.254/latest/meta-data | only s3://",
      "https://l2caf.s3.amazonaws.com/key      | 'https' URI",
      "file:///etc/passwd                      | 'file' URI",
      "l2caf/key.jpg                           | scheme-less",
      "s3://l2caf                              | no object key",
      "s3://l2caf/                             | key is empty",
      "s3://Bad_Bucket/key                     | invalid bucket name",
      "s3://l2caf/../secrets                   | '..' segment",
      "s3://l2caf/a/./b                        | '.' segment",
  })
  void refusesWithAClearReason(String text, String reason) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(text));

    assertTrue(error.getMessage().contains(reason), error.getMessage());
  }

  @Test
  void refusesOversizedKeys() {
    String uri = "s3://l2caf/" + "k".repeat(1025);

    assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(uri));
  }
}
