"""The case registry: each case is a named function of the suite."""
CASES = []


def case(name):
    """A case that drives the runtime itself."""
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


def config_case(name, focus, extra=()):
    """A case that patches a bundle and runs the checker in it.

    focus: the checker line prefixes this case is about (None: all of them)."""
    def register(fn):
        def run(suite, case_name):
            bundle = suite.bundle(case_name)
            fn(bundle, suite)
            fds = (suite.preserve_fd,) if '--preserve-fds' in extra else ()
            suite.run_checker(case_name, bundle, extra=extra, focus=focus, pass_fds=fds)
        CASES.append((name, run))
        return fn
    return register


def rejected_case(name, op='create'):
    """A case whose config the runtime MUST refuse, leaving nothing behind."""
    def register(fn):
        def run(suite, case_name):
            bundle = suite.bundle(case_name)
            fn(bundle, suite)
            suite.expect_rejected(case_name, bundle, op=op)
        CASES.append((name, run))
        return fn
    return register
