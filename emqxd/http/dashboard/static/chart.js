// A line chart on a <canvas>: each series a colour and its points, the y axis
// from 0 to the largest value, the x axis the samples in order.
export function drawChart(canvas, series, xLabel) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = { l: 48, r: 10, t: 10, b: 34 };
  ctx.clearRect(0, 0, w, h);
  const n = Math.max(2, ...series.map((s) => s.points.length));
  const max = Math.max(1, ...series.flatMap((s) => s.points));
  const x = (i) => pad.l + (i * (w - pad.l - pad.r)) / (n - 1);
  const y = (v) => h - pad.b - (v * (h - pad.t - pad.b)) / max;
  ctx.strokeStyle = "#d5dde5";
  ctx.fillStyle = "#555";
  ctx.font = "11px sans-serif";
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.l, y(v));
    ctx.lineTo(w - pad.r, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(v < 10 ? 1 : 0), 4, y(v) + 4);
  }
  ctx.fillText(xLabel, pad.l, h - 20);
  let legend = pad.l + ctx.measureText(xLabel).width + 20;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = s.color;
    ctx.fillRect(legend, h - 28, 10, 10);
    ctx.fillStyle = "#333";
    ctx.fillText(s.name, legend + 14, h - 19);
    legend += ctx.measureText(s.name).width + 30;
  }
}
