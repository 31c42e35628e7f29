/** What the demo prints, and what did not go as the story says (the short mode's exit code). */
export class DemoOutput {
  readonly problems: string[] = [];

  heading(text: string): void {
    console.log(`\n${text}`);
  }

  line(text: string): void {
    console.log(`  ${text}`);
  }

  wms(text: string): void {
    console.log(`      WMS <- ${text}`);
  }

  /** Records and prints a problem when `ok` is false. */
  expect(ok: boolean, problem: string): boolean {
    if (!ok) {
      this.problems.push(problem);
      console.log(`  NOT AS EXPECTED: ${problem}`);
    }
    return ok;
  }
}
