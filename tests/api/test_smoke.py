from tests.support.factories import make_county
from tests.support.graphql import gql


async def test_me_and_sites(db, client):
    county = await make_county(db)
    result = await gql(
        client,
        "{ me { username roles { role scope { name } } } sites(first: 10) { totalCount } }",
        token=county.token("head_a"),
    )
    assert "errors" not in result, result
    assert result["data"]["me"]["roles"] == [{"role": "TOWNSHIP_HEAD", "scope": {"name": "甲镇"}}]
    assert result["data"]["sites"]["totalCount"] == 7


async def test_startup_moves_long_lived_objects_out_of_the_collector(settings):
    """A full garbage collection then walks only what requests and caches made since."""
    import gc

    from litestar.testing import AsyncTestClient

    from api.app import create_app

    gc.unfreeze()
    async with AsyncTestClient(app=create_app(settings)) as http:
        assert gc.get_freeze_count() > 100_000  # the modules and the schema
        assert (await http.get("/health")).status_code == 200
    gc.unfreeze()
