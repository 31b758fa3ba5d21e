from tests.factories import gql, make_county


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
