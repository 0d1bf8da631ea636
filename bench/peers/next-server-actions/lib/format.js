// The seed's "Added Nov 26, 2026" (toLocaleDateString('en-US', …)), with one
// shared formatter: toLocaleDateString builds a new one on every call, which
// costs a 50-row page a few milliseconds that are no part of the design.
const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric" });

export function formatDate(iso) {
  return dateFormat.format(new Date(iso));
}
