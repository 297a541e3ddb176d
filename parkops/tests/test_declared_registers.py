"""The shared register tests, for every register its app declares.

An app's ``testing.py`` declares each model (``core.testing.Declaration``); this
module turns every declaration with a reader into a test class — the writable
base where the declaration says who writes and what a form sends — so a new
register gets its list, detail, permission, scoping, audit and API tests from
its declaration alone, and cannot forget them.
"""

from parkops.core.testing import RegisterTestCase, WritableRegisterTestCase, declarations


def _test_class(declaration) -> type:
    writable = declaration.writer_role is not None and declaration.form_data is not None
    base = WritableRegisterTestCase if writable else RegisterTestCase
    name = f"Test{declaration.model.__name__}Register"
    return type(name, (base,), {"declaration": declaration, "__module__": __name__})


def _test_classes() -> dict[str, type]:
    classes = (
        _test_class(declaration)
        for declaration in declarations()
        if declaration.park_rows and declaration.reader_role is not None
    )
    return {cls.__name__: cls for cls in classes}


globals().update(_test_classes())
