"""What the tests share; ``tests/conftest.py`` only registers ``fixtures``.

- ``fixtures``: the pytest fixtures and hooks (databases, the app, counties, the matrices' world)
- ``factories``: counties, sites and users through the real services (``make_county``)
- ``graphql``: requests as a client sends them (``gql``, ``run_operation``, ``login``, ``gid``)
- ``errors``: a service's refusal (``refused``)
- ``workforce``, ``catalog``: each domain's building blocks
- ``isolation``: rows of every tenant-scoped model for the generic isolation suite
- ``matrix``: the runner of the authorization matrices
- ``xlsx``: workbooks for the import screens
- ``services``: PostgreSQL, Redis and S3 for the suite
"""
