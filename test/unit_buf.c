/* unit_buf.c - length-tracked string buffers. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "buf.h"

static void
buf_appends_and_terminates(void **state)
{
	struct am_buf b;
	int i;

	(void)state;
	am_buf_init(&b, 0);
	assert_string_equal(am_buf_str(&b), "");
	am_buf_adds(&b, "ab");
	am_buf_addc(&b, 'c');
	am_buf_add(&b, "de\0f", 4);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "abcde\0f", 8);
	for (i = 0; i < 1000; i++)
		am_buf_printf(&b, "%03d", i);
	assert_int_equal(b.len, 7 + 3000);
	assert_false(am_buf_failed(&b));
	am_buf_truncate(&b, 2);
	assert_string_equal(am_buf_str(&b), "ab");
	am_buf_release(&b);
}

static void
buf_limit_fails_sticky_and_keeps_contents(void **state)
{
	struct am_buf b;

	(void)state;
	am_buf_init(&b, 5);
	am_buf_adds(&b, "abcd");
	am_buf_adds(&b, "ef");
	assert_true(am_buf_failed(&b));
	assert_string_equal(am_buf_str(&b), "abcde"); /* what fits is kept */
	am_buf_addc(&b, 'x'); /* the buffer has failed: nothing more */
	assert_string_equal(am_buf_str(&b), "abcde");
	am_buf_reset(&b);
	assert_false(am_buf_failed(&b));
	am_buf_printf(&b, "%s", "12345");
	assert_string_equal(am_buf_str(&b), "12345");
	am_buf_printf(&b, "%s", "6");
	assert_true(am_buf_failed(&b));
	assert_string_equal(am_buf_str(&b), "12345");
	am_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_appends_and_terminates),
		cmocka_unit_test(buf_limit_fails_sticky_and_keeps_contents),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
