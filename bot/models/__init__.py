"""SQLModel tables, one module per feature; importing this package registers them all.

Every module in this package is imported so that ``SQLModel.metadata`` is complete for
Alembic and for the model/migration agreement test, whichever feature module a caller needs.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
