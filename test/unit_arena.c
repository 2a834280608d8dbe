/* unit_arena.c - per-message memory regions. */
#include "autoconfig.h"

#include <stdalign.h>
#include <string.h>

#include "testlib.h"
#include "arena.h"

static void
arena_allocations_are_aligned_and_distinct(void **state)
{
	struct am_arena *a = am_arena_new();
	char *p[100];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		p[i] = am_arena_alloc(a, (size_t)i + 1);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
		memset(p[i], i, (size_t)i + 1);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal((unsigned char)p[i][i], i);
	am_arena_free(a);
}

static void
arena_large_blocks_get_their_own_chunk(void **state)
{
	struct am_arena *a = am_arena_new();
	char *small = am_arena_alloc(a, 10);
	char *big = am_arena_alloc(a, 1 << 20);
	char *after = am_arena_alloc(a, 10);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 1 << 20);
	/* The small block after the large one still comes from the first
	 * chunk's tail. */
	assert_true(after > small && after - small < 8192);
	assert_true(am_arena_used(a) >= (1 << 20) + 20);
	am_arena_free(a);
}

static void
arena_string_helpers_copy_and_terminate(void **state)
{
	struct am_arena *a = am_arena_new();

	(void)state;
	assert_string_equal(am_arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(am_arena_strdup(a, "xyz"), "xyz");
	assert_null(am_arena_strdup(a, NULL));
	assert_string_equal(am_arena_printf(a, "%d-%s", 42, "z"), "42-z");
	assert_string_equal(am_arena_strndup(a, "", 0), "");
	am_arena_free(a);
	am_arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_allocations_are_aligned_and_distinct),
		cmocka_unit_test(arena_large_blocks_get_their_own_chunk),
		cmocka_unit_test(arena_string_helpers_copy_and_terminate),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
