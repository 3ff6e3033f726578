#include "proxy/admin/admin_router.h"

#include <gtest/gtest.h>

namespace remora::admin {
namespace {

AdminRequest request(std::string method, std::string path) {
  AdminRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

AdminHandler fixed(std::string body) {
  return [body](const AdminRequest&) {
    AdminResponse response;
    response.body = body;
    return response;
  };
}

class AdminRouterTest : public ::testing::Test {
 protected:
  AdminRouterTest() {
    router_.addHandler("/clusters", "upstream cluster status", fixed("clusters"), false);
    router_.addHandler("/quitquitquit", "exit the server", fixed("OK"), true);
  }
  AdminRouter router_;
};

TEST_F(AdminRouterTest, RoutesByExactPath) {
  EXPECT_EQ(router_.route(request("GET", "/clusters")).body, "clusters");
  EXPECT_EQ(router_.route(request("GET", "/clusters/")).status, 404);
  EXPECT_EQ(router_.route(request("GET", "/cluster")).status, 404);
}

TEST_F(AdminRouterTest, UnknownPathsGet404ListingTheEndpoints) {
  AdminResponse response = router_.route(request("GET", "/nope"));
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("invalid path"), std::string::npos);
  EXPECT_NE(response.body.find("  /clusters: upstream cluster status"), std::string::npos);
}

TEST_F(AdminRouterTest, HelpAndRootListEveryEndpointAndMarkPostOnlyOnes) {
  AdminResponse help = router_.route(request("GET", "/help"));
  EXPECT_EQ(help.status, 200);
  EXPECT_EQ(help.body.rfind("admin commands are:\n", 0), 0u);
  EXPECT_NE(help.body.find("/quitquitquit (POST): exit the server"), std::string::npos);
  EXPECT_NE(help.body.find("  /help:"), std::string::npos);
  EXPECT_EQ(router_.route(request("GET", "/")).body, help.body);
}

TEST_F(AdminRouterTest, StateChangingEndpointsRefuseGetWith405) {
  AdminResponse response = router_.route(request("GET", "/quitquitquit"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.body, "Method GET not allowed, POST required.\n");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0], std::make_pair(std::string("allow"), std::string("POST")));
  EXPECT_EQ(router_.route(request("HEAD", "/quitquitquit")).status, 405);
  EXPECT_EQ(router_.route(request("POST", "/quitquitquit")).body, "OK");
}

TEST_F(AdminRouterTest, ReadOnlyEndpointsTakeGetHeadAndPostButNotOtherMethods) {
  EXPECT_EQ(router_.route(request("POST", "/clusters")).status, 200);
  EXPECT_EQ(router_.route(request("HEAD", "/clusters")).status, 200);
  EXPECT_EQ(router_.route(request("DELETE", "/clusters")).status, 405);
  EXPECT_EQ(router_.route(request("PUT", "/quitquitquit")).status, 405);
}

TEST_F(AdminRouterTest, APathIsRegisteredOnce) {
  EXPECT_FALSE(router_.addHandler("/clusters", "again", fixed("x"), false));
  EXPECT_FALSE(router_.addHandler("no-slash", "bad", fixed("x"), false));
  EXPECT_FALSE(router_.addHandler("/empty", "no handler", nullptr, false));
  EXPECT_TRUE(router_.addHandler("/listeners", "listeners", fixed("l"), false));
  EXPECT_TRUE(router_.hasHandler("/listeners"));
}

TEST(AdminRouterWithoutHelpTest, LeavesOutHelpAndRoot) {
  AdminRouter router(false);
  EXPECT_EQ(router.route(request("GET", "/help")).status, 404);
  EXPECT_EQ(router.route(request("GET", "/")).status, 404);
}

}  // namespace
}  // namespace remora::admin
