/** What every benchmark receives from the runner. */
export interface BenchContext {
  /** Short run (--quick): fewer events, same shape. What CI and `npm run bench` use. */
  readonly quick: boolean;
  /** Progress for humans, on stderr, so stdout's last line stays the JSON figures. */
  readonly log: (message: string) => void;
}

/** The figures a benchmark reports; the runner adds `bench` and `quick`. */
export type BenchFigures = Record<string, number | string | boolean | null>;

export type Bench = (context: BenchContext) => Promise<BenchFigures>;
