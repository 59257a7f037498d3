// A small SVG line chart over time: enough for CPU and memory, no chart library.
export function LineChart({
  values,
  max,
  label,
  format,
  testId,
}: {
  values: number[];
  max?: number;
  label: string;
  format: (n: number) => string;
  testId?: string;
}) {
  const width = 480;
  const height = 120;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - (v / top) * (height - 4)).toFixed(1)}`)
    .join(' ');
  const lastValue = values[values.length - 1];
  return (
    <figure class="chart" data-testid={testId} data-points={values.length}>
      <figcaption>
        {label}: <strong>{lastValue === undefined ? '–' : format(lastValue)}</strong> <small>(max {format(top)})</small>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none">
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          vector-effect="non-scaling-stroke"
        />
      </svg>
    </figure>
  );
}
