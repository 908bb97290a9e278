/** Merchant Center feeds as merchants export them, for the gmc tests. */
export const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
  <channel>
    <title>Shop</title><link>https://shop.example</link><description>Feed</description>
    <item>
      <g:id>SKU-1</g:id>
      <title><![CDATA[Switch OLED & dock]]></title>
      <g:description>A console</g:description>
      <link>https://shop.example/p/1</link>
      <g:image_link>https://shop.example/i/1.jpg</g:image_link>
      <g:price>299.99 EUR</g:price>
      <g:sale_price>249.99 EUR</g:sale_price>
      <g:availability>in_stock</g:availability>
      <g:brand>Nintendo</g:brand>
      <g:item_group_id>SWITCH</g:item_group_id>
      <g:google_product_category>Electronics &gt; Video Game Consoles</g:google_product_category>
      <g:shipping><g:country>DE</g:country><g:price>4.99 EUR</g:price></g:shipping>
    </item>
    <item>
      <g:id>SKU-2</g:id>
      <g:title>Cable</g:title>
      <g:link>https://shop.example/p/2</g:link>
      <g:price>9.50 EUR</g:price>
      <g:availability>out of stock</g:availability>
    </item>
  </channel>
</rss>
`;

export const ATOM = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
  <title>Shop</title>
  <entry>
    <g:id>AT-1</g:id>
    <title>Atom console</title>
    <link rel="alternate" href="https://shop.example/p/a1"/>
    <g:price>100 USD</g:price>
    <g:availability>preorder</g:availability>
  </entry>
</feed>
`;

export const TSV =
  'id\ttitle\tdescription\tlink\timage_link\tprice\tsale_price\tavailability\tbrand\titem_group_id\tgoogle_product_category\n' +
  'TSV-1\tTV 55" screen\tBig\thttps://shop.example/p/t1\thttps://shop.example/i/t1.jpg\t499.00 EUR\t449.00 EUR\tin_stock\tAcme\tTV\t404\n' +
  'TSV-2\tRemote\t\thttps://shop.example/p/t2\t\t19.99 EUR\t\tbackorder\tAcme\t\t\n';
