def test_smoke(client, login, factories):
    desk = factories.front_desk()
    member = factories.member()
    login(desk)
    response = client.get(f"/admin/members/{member.id}")
    assert response.status_code == 200, response.text
