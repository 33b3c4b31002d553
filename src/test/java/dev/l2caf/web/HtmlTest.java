package dev.l2caf.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesTheFiveSpecialCharacters() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;",
        Html.escape("<a href=\"x\" title='y'>Tom & Jerry</a>"));
    assertEquals("plain text, ünïcode", Html.escape("plain text, ünïcode"));
    assertEquals("", Html.escape(null));
  }
}
