import type { CookieState, EventItem, EventType, IdentityKind, RejectSource } from '@rt/events';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** Soft removal: null while the row is in service (see the removals migration). */
type RemovedAt = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** numeric columns come back from pg as strings so no precision is lost. */
type Numeric = ColumnType<string, number | string, number | string>;
type Json<T> = ColumnType<T, string, string>;

// The event vocabulary (event types, cookie states, identity kinds, rejection sources, the item
// shape) is @rt/events'; the enums below belong to tables only.

/** A feed's availability (Google Merchant Center values), kept as the feed gives it. */
export const AVAILABILITIES = ['in_stock', 'out_of_stock', 'preorder', 'backorder'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** Why a session ended (docs/ingester.md, sessions). */
export type SessionEndReason = 'timeout' | 'logout';
/** Why an ad showed a product (docs/ads.md). */
export type AdReason = 'in_cart' | 'viewed' | 'popular';
/** Which ad contact a conversion is credited to (packages/attribution). */
export type TouchKind = 'click' | 'impression';

export interface SitesTable {
  id: string;
  name: string;
  allowed_origins: string[];
  created_at: CreatedAt;
  removed_at: RemovedAt;
}

/** A site's key for server-side events: only its SHA-256 (see site-keys.ts). */
export interface SiteKeysTable {
  site_id: string;
  key_sha256: string;
  /** When this key was made (a rotation sets it again). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PartnersTable {
  id: string;
  name: string;
  allowed_origins: string[];
  created_at: CreatedAt;
  removed_at: RemovedAt;
}

export interface VisitorsTable {
  id: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  merged_into: string | null;
  is_bot: Generated<boolean>;
}

export interface IdentitiesTable {
  kind: IdentityKind;
  value: string;
  visitor_id: string;
  site_id: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface EventsTable {
  site_id: string;
  event_id: string;
  visitor_id: string | null;
  session_id: string | null;
  type: EventType;
  ts: Timestamp;
  received_at: Timestamp;
  url: string | null;
  referrer: string | null;
  items: Json<EventItem[]>;
  value: Numeric | null;
  currency: string | null;
  transaction_id: string | null;
  cookie_state: CookieState;
  is_bot: boolean;
  ts_corrected: boolean;
}

export interface EventKeysTable {
  site_id: string;
  event_id: string;
  ts: Timestamp;
}

export interface SessionsTable {
  id: string;
  site_id: string;
  visitor_id: string;
  started_at: Timestamp;
  last_event_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: SessionEndReason | null;
  event_count: number;
  email_sha256: string | null;
}

export interface ProductsTable {
  site_id: string;
  id: string;
  name: string | null;
  price: Numeric | null;
  currency: string | null;
  url: string | null;
  image: string | null;
  category: string | null;
  views: Generated<number>;
  carts: Generated<number>;
  purchases: Generated<number>;
  updated_at: Timestamp;
  removed_at: RemovedAt;
  /** Feed-only columns (the products-feed migration): events never set them. */
  availability: ColumnType<Availability | null, Availability | null | undefined, Availability | null>;
  sale_price: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  brand: ColumnType<string | null, string | null | undefined, string | null>;
  item_group_id: ColumnType<string | null, string | null | undefined, string | null>;
  google_product_category: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CartsTable {
  site_id: string;
  visitor_id: string;
  product_id: string;
  quantity: number;
  price: Numeric | null;
  currency: string | null;
  added_at: Timestamp;
  updated_at: Timestamp;
}

export interface InterestTable {
  visitor_id: string;
  site_id: string;
  product_id: string;
  first_viewed_at: Timestamp | null;
  last_viewed_at: Timestamp | null;
  view_count: number;
  in_cart: boolean;
  carted_at: Timestamp | null;
  purchased_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface OrdersTable {
  site_id: string;
  transaction_id: string;
  event_id: string;
  visitor_id: string | null;
  value: Numeric | null;
  currency: string | null;
  items: Json<EventItem[]>;
  ts: Timestamp;
}

export interface RejectedEventsTable {
  id: Generated<string>;
  site_id: string | null;
  source: RejectSource;
  reason: string;
  payload: string;
  received_at: Timestamp;
  /** Hash of the record, so a retried ingest job stores it once. */
  dedup_key: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CartStatesTable {
  site_id: string;
  visitor_id: string;
  /** Time of the last view_cart snapshot or purchase; older cart events are ignored. */
  reset_at: Timestamp;
}

export interface ImpressionsTable {
  ad_id: string;
  position: number;
  partner_id: string;
  slot: string;
  site_id: string;
  product_id: string;
  visitor_id: string | null;
  reason: AdReason;
  shown_at: Timestamp;
}

export interface ClicksTable {
  id: Generated<string>;
  ad_id: string;
  partner_id: string;
  site_id: string;
  product_id: string;
  visitor_id: string | null;
  clicked_at: Timestamp;
}

export interface ConversionsTable {
  site_id: string;
  transaction_id: string;
  product_id: string;
  ad_id: string;
  partner_id: string;
  touch: TouchKind;
  revenue: Numeric | null;
  currency: string | null;
  visitor_id: string | null;
  converted_at: Timestamp;
  touched_at: Timestamp;
  created_at: CreatedAt;
}

export type ConsoleRole = 'merchant' | 'partner' | 'admin';

export interface ConsoleUsersTable {
  email: string;
  /** scrypt, as packages/users formats it. */
  password_hash: string;
  role: ConsoleRole;
  sites: ColumnType<string[], string[] | undefined, string[]>;
  partners: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface ConsoleSessionsTable {
  /** SHA-256 of the cookie's id: the id itself is never stored. */
  id_hash: string;
  email: string;
  csrf: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface ConsoleLoginFailuresTable {
  /** `email:<address>` or `addr:<client address>`. */
  key: string;
  failed_at: Timestamp;
}

export interface Database {
  sites: SitesTable;
  site_keys: SiteKeysTable;
  partners: PartnersTable;
  visitors: VisitorsTable;
  identities: IdentitiesTable;
  events: EventsTable;
  event_keys: EventKeysTable;
  sessions: SessionsTable;
  products: ProductsTable;
  carts: CartsTable;
  cart_states: CartStatesTable;
  interest: InterestTable;
  orders: OrdersTable;
  rejected_events: RejectedEventsTable;
  impressions: ImpressionsTable;
  clicks: ClicksTable;
  conversions: ConversionsTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  console_login_failures: ConsoleLoginFailuresTable;
}

export type Site = Selectable<SitesTable>;
export type Partner = Selectable<PartnersTable>;
export type NewEvent = Insertable<EventsTable>;
