import { formatPrice, type Html, html } from '../common/html';
import { type CartLine, cartValue, type Order } from './cart';
import { productImageUrl, productUrl } from './catalog';

function linesTable(origin: string, lines: CartLine[], removable: boolean): Html {
  const rows = lines.map(
    ({ product: p, quantity }) => html`<tr>
<td><img src="${productImageUrl(origin, p.id)}" alt=""></td>
<td><a href="${productUrl(origin, p.id)}">${p.name}</a></td>
<td class="num">${quantity} × ${formatPrice(p.price, p.currency)}</td>
<td class="num">${formatPrice(p.price * quantity, p.currency)}</td>
${
  removable
    ? html`<td class="num"><form method="post" action="/cart/remove"><input type="hidden" name="id" value="${p.id}"><button class="secondary" type="submit">Remove</button></form></td>`
    : ''
}
</tr>`,
  );
  return html`<table>${rows}</table>`;
}

export function cartView(origin: string, lines: CartLine[]): Html {
  if (lines.length === 0) {
    return html`<h1>Your cart</h1><p>Your cart is empty. <a href="/">Browse the products</a>.</p>`;
  }
  return html`<h1>Your cart</h1>
${linesTable(origin, lines, true)}
<p class="total">Total: <span class="price">${formatPrice(cartValue(lines))}</span></p>
<p style="text-align:right"><a class="button" href="/checkout">Checkout</a></p>`;
}

export function checkoutView(origin: string, lines: CartLine[], email: string | undefined): Html {
  const value = formatPrice(cartValue(lines));
  return html`<h1>Checkout</h1>
${linesTable(origin, lines, false)}
<p class="total">Total: <span class="price">${value}</span></p>
<form method="post" action="/checkout" style="text-align:right">
<p class="muted">${email ? html`Ordering as ${email}.` : 'Ordering as a guest.'} A demo: nothing is charged.</p>
<button type="submit">Place order · ${value}</button>
</form>`;
}

export function orderView(origin: string, order: Order): Html {
  return html`<h1>Thank you for your order</h1>
<p>Order <strong class="transaction-id">${order.transactionId}</strong> is confirmed.</p>
${linesTable(origin, order.lines, false)}
<p class="total">Paid: <span class="price">${formatPrice(order.value, order.currency)}</span></p>
<p><a href="/">Continue shopping</a></p>`;
}
