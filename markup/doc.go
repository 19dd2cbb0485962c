// Package markup defines the neutral markup: the one small text format in which commands and
// reminders write every storage.Message.Text, and which each channel renders its own way.
//
// The neutral markup is a subset of Telegram's HTML parse mode, so Telegram sends it as is:
//
//	<b>bold</b>  <i>italic</i>  <u>underline</u>  <s>strikethrough</s>
//	<code>inline code</code>  <pre>a block kept as lines</pre>
//	<a href="https://…">a link</a>
//
// and the entities &lt; &gt; &amp; &quot; for the characters < > & " in text (user input
// goes through vntext.EscapeHTML, which writes exactly these). Nothing else: no other tag, no
// attribute but href on <a>, no other named or numeric entity, no bare '<', '>' or '&'.
// Tags nest properly and are closed. Buttons travel beside the text (storage.Button), never
// inside it.
//
// Channels without formatting (Zalo) turn the markup into plain text; Check keeps what the bot
// writes inside the subset, so a renderer never meets a tag it does not know.
package markup
