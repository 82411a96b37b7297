/** A small line of recent values, scaled to its own maximum; no axes, for reading from across the room. */
export function Sparkline({ values, width = 320, height = 64, label }: { values: readonly number[]; width?: number; height?: number; label: string }) {
  if (values.length < 2) return <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: collecting data`} />;
  const max = Math.max(1, ...values);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(" ");
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <polyline points={`0,${height} ${points} ${width},${height}`} className="sparkline-area" />
      <polyline points={points} className="sparkline-line" fill="none" />
    </svg>
  );
}
