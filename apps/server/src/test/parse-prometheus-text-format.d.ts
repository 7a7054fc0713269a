// The package ships no types; this is its documented output (prom2json's shape), as far as the tests read it.
declare module 'parse-prometheus-text-format' {
  export type ParsedSample = {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  };
  export type ParsedMetricFamily = { name: string; help: string; type: string; metrics: ParsedSample[] };
  export default function parsePrometheusTextFormat(text: string): ParsedMetricFamily[];
}
