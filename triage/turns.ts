/**
 * Who may work on sessions at once. Batches of different partitions hold different sessions (the bus keys
 * by session), so they run side by side, each its partition's in order; closing idle sessions may touch any
 * session, so it runs alone. A waiting closer goes before batches that arrive after it, so it is never starved.
 */
export class Turns {
  #shared = 0;
  #exclusive = false;
  readonly #waiting: { exclusive: boolean; enter: () => void }[] = [];

  /** Runs `work` beside other shared work, once no exclusive work runs or waits before it. */
  shared<T>(work: () => Promise<T>): Promise<T> {
    return this.#run(false, work);
  }

  /** Runs `work` alone, once the work before it is done. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#run(true, work);
  }

  async #run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    if (this.#waiting.length === 0 && this.#free(exclusive)) this.#take(exclusive);
    else await new Promise<void>((enter) => this.#waiting.push({ exclusive, enter }));
    try {
      return await work();
    } finally {
      if (exclusive) this.#exclusive = false;
      else this.#shared--;
      this.#admit();
    }
  }

  #free(exclusive: boolean): boolean {
    return !this.#exclusive && (!exclusive || this.#shared === 0);
  }

  #take(exclusive: boolean): void {
    if (exclusive) this.#exclusive = true;
    else this.#shared++;
  }

  /** Lets waiting work in, in arrival order, as far as it can go. */
  #admit(): void {
    while (this.#waiting.length && this.#free(this.#waiting[0]!.exclusive)) {
      const next = this.#waiting.shift()!;
      this.#take(next.exclusive);
      next.enter();
    }
  }
}
