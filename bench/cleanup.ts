/** Undo steps run last-in first-out, once, also on Ctrl-C and errors. */
export class Cleanup {
  private readonly steps: Array<{ label: string; run: () => Promise<unknown> | unknown }> = [];
  private running?: Promise<void>;

  add(label: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ label, run });
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.label} failed: ${String(error)}`);
        }
      }
    })();
    return this.running;
  }
}
