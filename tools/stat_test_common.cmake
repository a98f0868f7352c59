# SPDX-License-Identifier: BSD-3-Clause
# What the pmemset-stat test scripts share (include() it).

# fingerprint(<var> <file>...): each file's path, size and SHA-256, so a
# later fingerprint that differs proves a file was changed
function(fingerprint var)
	set(out "")
	foreach(f IN LISTS ARGN)
		file(SHA256 "${f}" sum)
		file(SIZE "${f}" size)
		string(APPEND out "${f} ${size} ${sum}\n")
	endforeach()
	set(${var} "${out}" PARENT_SCOPE)
endfunction()

# check(<what> <condition...>): the condition as if() takes it; a failure
# is printed and added to the caller's ${failures}
function(check what)
	if(NOT (${ARGN}))
		set(failures "${failures}\n${what}" PARENT_SCOPE)
		message("FAIL: ${what}")
	endif()
endfunction()
