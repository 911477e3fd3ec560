// The fixture trained (its test passed, or the invoker would not get here); this checks that
// decaf's log reached the application's SLF4J binding: the one-time line of the scalar kernel.
def log = new File(basedir, 'build.log').text
assert log.contains('decaf: the Vector API is not enabled, so the optimizer step runs its scalar kernel') :
        "decaf's kernel line is missing from build.log: no SLF4J binding?"
assert !log.contains('No SLF4J providers were found')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
