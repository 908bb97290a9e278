import { formatPrice, type Html, html } from '../common/html';
import { MAX_QUANTITY } from './cart';
import { type Product, productImageUrl, productUrl } from './catalog';

export function productListView(origin: string, products: readonly Product[]): Html {
  const cards = products.map(
    (p) => html`<a class="card" href="${productUrl(origin, p.id)}">
<img src="${productImageUrl(origin, p.id)}" alt="${p.name}" width="400" height="300">
<div class="info"><div class="name">${p.name}</div>
<div class="muted">${p.category}</div>
<div class="price">${formatPrice(p.price, p.currency)}</div></div>
</a>`,
  );
  return html`<h1>Products</h1>
<div class="grid">
${cards}
</div>`;
}

export function productView(origin: string, p: Product): Html {
  const quantities = Array.from({ length: 5 }, (_, i) => html`<option value="${i + 1}">${i + 1}</option>`);
  return html`<p class="muted"><a href="/">Products</a> › ${p.category}</p>
<div class="product">
<img src="${productImageUrl(origin, p.id)}" alt="${p.name}" width="400" height="300">
<div>
<h1>${p.name}</h1>
<p class="price">${formatPrice(p.price, p.currency)}</p>
<p>${p.description}</p>
<form method="post" action="/cart/add">
<input type="hidden" name="id" value="${p.id}">
<label>Quantity <select name="quantity">${quantities}</select></label>
<button type="submit">Add to cart</button>
</form>
<p class="muted">Up to ${MAX_QUANTITY} per order. Ref. ${p.id}</p>
</div>
</div>`;
}

export function loginView(error?: string, email = ''): Html {
  return html`<div class="panel">
<h1>Log in</h1>
${error ? html`<div class="error">${error}</div>` : ''}
<form method="post" action="/login">
<p><label>Email<br><input type="email" name="email" value="${email}" required autocomplete="email" size="32"></label></p>
<button type="submit">Log in</button>
</form>
<p class="muted">A demo: no password. The merchant tag hashes your email (SHA-256) in the browser and sends only the hash.</p>
</div>`;
}

export function messageView(title: string, message: string): Html {
  return html`<div class="panel"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the products</a></p></div>`;
}
