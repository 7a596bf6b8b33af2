import { useEffect, useMemo, useRef } from "react";
import type { EChartsCoreOption } from "echarts/core";

interface Instance {
  setOption: (option: EChartsCoreOption, notMerge?: boolean) => void;
  resize: () => void;
  dispose: () => void;
}

const reducedMotion = () =>
  typeof window.matchMedia === "function" &&
  window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** A thin ECharts container; ECharts itself is imported on first use (its own chunk). Charts
 * of polled data pass `still` so they do not move every second. */
export function Chart({
  option,
  testId,
  label,
  height = 280,
  still = false,
}: {
  option: EChartsCoreOption;
  testId: string;
  label: string;
  height?: number;
  still?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const shown = useMemo(
    () => (still || reducedMotion() ? { ...option, animation: false } : option),
    [option, still],
  );
  const latest = useRef(shown);
  latest.current = shown;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import("./echarts").then(({ default: echarts }) => {
      if (disposed || !box.current) return;
      const instance = echarts.init(box.current, undefined, { renderer: "svg" });
      instance.setOption(latest.current, true);
      chart.current = instance;
      if (typeof ResizeObserver !== "undefined") {
        observer = new ResizeObserver(() => instance.resize());
        observer.observe(box.current);
      }
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(shown, true);
  }, [shown]);

  return (
    <div
      ref={box}
      className="chart"
      data-testid={testId}
      role="img"
      aria-label={label}
      style={{ height }}
    />
  );
}
