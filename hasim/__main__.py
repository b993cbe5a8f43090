from hasim.cli import main

main()
