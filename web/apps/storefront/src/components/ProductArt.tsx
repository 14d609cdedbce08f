/**
 * The catalog has no images: each product gets a tile in a colour of its
 * own (from its SKU) with its initials, so the grid is not a wall of text.
 */
function hue(sku: string): number {
  let hash = 0;
  for (const char of sku) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function ProductArt({ sku, name, size = "medium" }: { sku: string; name: string; size?: "small" | "medium" | "large" }) {
  const h = hue(sku);
  const initials = name
    .replace(/\(.*?\)/g, "")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join("");
  return (
    <div
      className={`product-art product-art-${size}`}
      style={{ background: `linear-gradient(135deg, hsl(${h} 70% 88%), hsl(${(h + 40) % 360} 60% 78%))`, color: `hsl(${h} 45% 25%)` }}
      aria-hidden="true"
    >
      <span>{initials || "◆"}</span>
    </div>
  );
}
