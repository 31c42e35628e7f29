import { GroupCommitter } from './group-committer';

describe('GroupCommitter', () => {
  it('commits items submitted in the same turn together, in order', async () => {
    const commits: number[][] = [];
    const committer = new GroupCommitter<number, string>(
      async (items) => {
        commits.push(items);
        return items.map((n) => `done ${n}`);
      },
      { maxBatch: 100, maxConcurrent: 1 },
    );
    const results = await Promise.all([1, 2, 3].map((n) => committer.submit(n)));
    expect(results).toEqual(['done 1', 'done 2', 'done 3']);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('caps a commit at maxBatch and runs at most maxConcurrent at once', async () => {
    let running = 0;
    let mostRunning = 0;
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items;
      },
      { maxBatch: 4, maxConcurrent: 2 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => committer.submit(i)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(mostRunning).toBe(2);
  });

  it('rejects every item of a failed commit and keeps serving later ones', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        if (fail) throw new Error('database down');
        return items;
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    await expect(Promise.all([committer.submit(1), committer.submit(2)])).rejects.toThrow(
      'database down',
    );
    fail = false;
    await expect(committer.submit(3)).resolves.toBe(3);
  });

  it('drain waits for commits under way', async () => {
    let finished = false;
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        return items;
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    void committer.submit(1);
    await committer.drain();
    expect(finished).toBe(true);
    expect(committer.depth).toBe(0);
  });

  it('starts a second commit beside a running one only once enough weight waits', async () => {
    const commits: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((r) => (release = r));
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        commits.push(items);
        if (commits.length === 1) await firstHeld;
        return items;
      },
      { maxBatch: 100, maxConcurrent: 2, overlapFrom: 10, weight: (n) => n },
    );
    const first = committer.submit(1);
    await new Promise((r) => setImmediate(r));
    const light = [committer.submit(2), committer.submit(3)];
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([[1]]);
    const heavy = committer.submit(6);
    await Promise.all([...light, heavy]);
    expect(commits).toEqual([[1], [2, 3, 6]]);
    release();
    expect(await first).toBe(1);
  });
});
