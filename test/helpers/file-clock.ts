// Loaded into every test file's process by scripts/test.sh (--import): prints the file's wall time, from its
// process start to its exit, so the suite's time budget is spent on measured files, not guessed ones.
if (process.env.NODE_TEST_CONTEXT)
  process.once('exit', () => {
    const seconds = (performance.now() / 1000).toFixed(1);
    console.log(`file wall time ${seconds} s: ${process.argv[1]}`);
  });
