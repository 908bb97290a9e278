export { ATTRIBUTION_WINDOWS, type AttributableOrder, attributeOrders } from './attribute';
